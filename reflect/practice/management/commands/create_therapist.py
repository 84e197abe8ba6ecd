import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reflect.practice.models import Therapist
from reflect.vault.forms import SetupForm
from reflect.vault.models import Vault


class Command(BaseCommand):
    help = "Create a therapist account: a vault locked by their passphrase and an X25519 key pair."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--display-name", help="How clients see them; defaults to the username.")
        parser.add_argument("--passphrase", help="For scripts and trials; asked for interactively if left out.")
        parser.add_argument("--if-missing", action="store_true", help="Do nothing if the account exists.")

    def handle(self, *args, username, display_name, passphrase, if_missing, **options):
        users = get_user_model().objects
        if users.filter(username=username).exists():
            if if_missing:
                self.stdout.write(f"{username} already exists.")
                return
            raise CommandError(f"{username} already exists")
        if passphrase is None:
            passphrase = getpass.getpass("Passphrase: ")
            if getpass.getpass("Again: ") != passphrase:
                raise CommandError("the two passphrases differ")
        form = SetupForm({"new_passphrase": passphrase, "new_passphrase_again": passphrase})
        if not form.is_valid():
            raise CommandError(" ".join(error for errors in form.errors.values() for error in errors))
        with transaction.atomic():
            user = users.create(username=username)
            user.set_unusable_password()
            user.save()
            _, data_key, recovery_key = Vault.create(user, passphrase)
            Therapist.create(user, display_name or username, data_key)
        self.stdout.write(f"Therapist {username} created. Sign in at /journal/unlock/ with this name and passphrase.")
        self.stdout.write(f"Recovery key (shown once; keep it safe): {recovery_key}")
