"""What the journal's tests share: reading an entry's page, and sending a file to import."""

from django.core.files.uploadedfile import SimpleUploadedFile


def entry_page(client, pk):
    return client.get(f"/journal/entries/{pk}/").content.decode()


def upload(client, content, name="journal.json"):
    return client.post("/journal/import/", {"file": SimpleUploadedFile(name, content, "application/json")})
