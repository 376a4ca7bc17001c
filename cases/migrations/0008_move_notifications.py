"""Notification and NotificationDelivery moved to the ``notifications`` app.

State only: the tables stay as they are (the new app's models keep their names with
``db_table``); ``notifications.0001_initial`` takes them over.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_timestamps_read_the_clock"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="notificationdelivery", name="notification"),
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="NotificationDelivery"),
            ],
        ),
    ]
