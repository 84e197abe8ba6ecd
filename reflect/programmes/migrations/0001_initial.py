import django.db.models.deletion
import reflect.vault.sealing
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('prompts', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Programme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(unique=True)),
                ('order', models.PositiveSmallIntegerField(unique=True)),
                ('title', models.CharField(max_length=120)),
                ('description', models.TextField(help_text='For the person: two or three plain sentences on what it is for.')),
                ('clinician_note', models.TextField(help_text='For clinicians: who it suits, what it does and does not ask.')),
            ],
            options={
                'ordering': ['order'],
            },
        ),
        migrations.CreateModel(
            name='FollowedProgramme',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('sealed_content', models.BinaryField()),
                ('owner', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            bases=(reflect.vault.sealing.SealedRow, models.Model),
        ),
        migrations.CreateModel(
            name='ProgrammeStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(help_text='Position within the programme, from 1.')),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='steps', to='programmes.programme')),
                ('prompt', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='prompts.prompt')),
            ],
            options={
                'ordering': ['programme', 'order'],
                'constraints': [models.UniqueConstraint(fields=('programme', 'order'), name='programme_step_order_unique'), models.UniqueConstraint(fields=('programme', 'prompt'), name='programme_prompt_once')],
            },
        ),
    ]
