"""The doctor's detail view (D): every current finding with its evidence, the rule and its
thresholds, and its fix; ``1`` / ``2`` apply the first / second fix. It follows the trainer
while open, so a finding whose fix took effect disappears."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label

from backprop_tui.app.keys import DOCTOR, bindings
from backprop_tui.app.link import TrainerLink
from backprop_tui.live.doctor import RULES, Finding
from backprop_tui.live.snapshot import Snapshot

REFRESH_SECONDS = 0.25
RULE_OF = {rule.id: rule for rule in RULES}


def described(number: int, finding: Finding) -> Text:
    """One finding: title and summary, evidence, the rule's thresholds, and the fix's key."""
    rule = RULE_OF[finding.id]
    key = f"press {number}" if number <= 2 else "F once the ones above are fixed"
    return Text.assemble(
        (f"{number}. {finding.title}", "bold yellow"), f" ({finding.summary})\n",
        finding.evidence, "\n", ("fires when ", "dim"), (rule.condition, "dim"),
        "\n", ("fix: ", "bold"), (finding.fix, "green"), (f" — {key}", "dim"))


def findings_text(snapshot: Snapshot | None) -> Text:
    if snapshot is None:
        return Text("waiting for the trainer…")
    if not snapshot.findings:
        checks = ", ".join(rule.title for rule in RULES)
        return Text(f"No findings at step {snapshot.step:,}. The doctor checks: {checks}.")
    return Text("\n\n").join(described(n, f) for n, f in enumerate(snapshot.findings, 1))


class DoctorScreen(ModalScreen[None]):
    """Lists :attr:`Snapshot.findings` of the latest snapshot; keys apply their fixes."""

    BINDINGS = bindings(DOCTOR)

    def __init__(self, link: TrainerLink) -> None:
        super().__init__()
        self.link = link
        self._shown: Snapshot | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="doctor-body", classes="dialog"):
            yield Label("[b]The training doctor[/b]  (1 / 2 apply a fix, Esc closes)")
            with VerticalScroll(id="doctor-scroll"):
                yield Label(findings_text(self.link.latest), id="doctor-findings")

    def on_mount(self) -> None:
        self.set_interval(REFRESH_SECONDS, self.follow)

    def follow(self) -> None:
        """Show the latest snapshot's findings, if they changed."""
        latest = self.link.latest
        if latest is not self._shown:
            if self._shown is None or latest is None or latest.findings != self._shown.findings:
                self.query_one("#doctor-findings", Label).update(findings_text(latest))
            self._shown = latest

    def action_apply(self, index: int) -> None:
        self.notify(apply_fix(self.link, index), timeout=4)


def apply_fix(link: TrainerLink, index: int) -> str:
    """Send the fix of finding ``index`` (0 = the top one); what to tell the person."""
    findings = link.latest.findings if link.latest is not None else ()
    if index >= len(findings):
        return "doctor: nothing to fix" if not findings else "doctor: there is no such finding"
    finding = findings[index]
    for command in finding.commands:
        link.send(command)
    return f"doctor: {finding.fix} — for {finding.title}"
