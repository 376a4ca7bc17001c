"""Print the lifecycle's transition table (state × action × role) as Markdown."""

from django.core.management.base import BaseCommand

from cases.models import CaseStatus
from cases.services.lifecycle import TRANSITIONS


class Command(BaseCommand):
    help = "Print the case lifecycle's transition table as a Markdown table."

    def handle(self, *args, **options):
        labels = dict(CaseStatus.choices)
        self.stdout.write("| action | 动作 | from | roles | to |")
        self.stdout.write("|---|---|---|---|---|")
        for action, rule in TRANSITIONS.items():
            sources = ", ".join(f"{s} {labels[s]}" for s in CaseStatus.values if s in rule.sources)
            if rule.target:
                target = f"{rule.target} {labels[rule.target]}"
            elif rule.may_choose:
                target = "unchanged or " + " / ".join(
                    f"{s} {labels[s]}" for s in CaseStatus.values if s in rule.may_choose
                )
            else:
                target = "unchanged"
            roles = ", ".join(sorted(rule.roles))
            self.stdout.write(f"| {action} | {rule.label} | {sources} | {roles} | {target} |")
