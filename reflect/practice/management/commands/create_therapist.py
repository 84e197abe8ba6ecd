import getpass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from reflect import names
from reflect.practice.accounts import NameInUse, create_account
from reflect.practice.models import Therapist
from reflect.vault.forms import SetupForm


class Command(BaseCommand):
    help = "Create a therapist account: a vault locked by their passphrase and an X25519 key pair."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help=f"Their sign-in name: {names.ALLOWED_HELP}; capitals are made small.")
        parser.add_argument("--display-name", help="How clients see them; defaults to the username.")
        parser.add_argument("--passphrase", help="For scripts and trials; asked for interactively if left out.")
        parser.add_argument("--if-missing", action="store_true", help="Do nothing if the account exists.")

    def handle(
        self,
        *args: Any,
        username: str,
        display_name: str | None,
        passphrase: str | None,
        if_missing: bool,
        **options: Any,
    ) -> None:
        # The same spelling unlock will look for: "Sam" and "ｓａｍ" are both "sam".
        username = names.normalise(username)
        if not names.ALLOWED.fullmatch(username):
            raise CommandError(f"a sign-in name may contain only {names.ALLOWED_HELP}")
        if get_user_model().objects.filter(username=username).exists():
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
        try:
            with transaction.atomic():
                user, data_key, recovery_key = create_account(username, passphrase)
                Therapist.create(user, display_name or username, data_key)
        except NameInUse:
            raise CommandError(
                f"{username} looks too much like a name that already exists; please choose another"
            ) from None
        self.stdout.write(f"Therapist {username} created. Sign in at /journal/unlock/ with this name and passphrase.")
        self.stdout.write(f"Recovery key (shown once; keep it safe): {recovery_key}")
