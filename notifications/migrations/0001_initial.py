"""The notices' tables, created by the ``cases`` app, taken over as they are (state only; see
``cases.0008_move_notifications``); then what is new: a notice's parameters, and the content
types (with their permissions and admin history) moved to this app.
"""

import governance.clock
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MODELS = ["notification", "notificationdelivery"]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="cases", model__in=MODELS).update(app_label="notifications")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="notifications", model__in=MODELS).update(app_label="cases")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0008_move_notifications'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=30, verbose_name='类型')),
                        ('title', models.CharField(blank=True, max_length=120, verbose_name='标题')),
                        ('body', models.TextField(blank=True, verbose_name='内容')),
                        ('created_at', models.DateTimeField(default=governance.clock.now, editable=False, verbose_name='时间')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='已读时间')),
                        ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='cases.case', verbose_name='案件')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='接收人')),
                    ],
                    options={
                        'verbose_name': '通知',
                        'verbose_name_plural': '通知',
                        'db_table': 'cases_notification',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='NotificationDelivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('email', '邮件'), ('sms', '短信')], max_length=10, verbose_name='渠道')),
                        ('status', models.CharField(choices=[('pending', '待发送'), ('sending', '发送中'), ('sent', '已发送'), ('failed', '发送失败')], default='pending', max_length=10, verbose_name='状态')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='尝试次数')),
                        ('last_error', models.TextField(blank=True, verbose_name='错误')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='开始发送时间')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
                        ('notification', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='notifications.notification')),
                    ],
                    options={
                        'verbose_name': '通知投递',
                        'verbose_name_plural': '通知投递',
                        'db_table': 'cases_notificationdelivery',
                    },
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(fields=['recipient', '-created_at'], name='notification_recipient'),
                ),
                migrations.AddIndex(
                    model_name='notification',
                    index=models.Index(condition=models.Q(('read_at__isnull', True)), fields=['recipient'], name='notification_unread'),
                ),
                migrations.AddIndex(
                    model_name='notificationdelivery',
                    index=models.Index(condition=models.Q(('status__in', ['pending', 'sending', 'failed'])), fields=['status'], name='delivery_unsent'),
                ),
                migrations.AddConstraint(
                    model_name='notificationdelivery',
                    constraint=models.UniqueConstraint(fields=('notification', 'channel'), name='notification_delivery_once'),
                ),
            ],
        ),
        migrations.AddField(
            model_name='notification',
            name='params',
            field=models.JSONField(blank=True, default=dict, verbose_name='参数'),
        ),
        migrations.RunPython(move_content_types, move_content_types_back, elidable=True),
    ]
