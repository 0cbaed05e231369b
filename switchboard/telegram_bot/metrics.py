"""The bot runner's metrics (served on SWITCHBOARD_METRICS_PORT like every process's). Bounded
labels only: never a tenant, bot or chat id."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

from clients.telegram_bot import Runner

BOTS = Gauge(
    "switchboard_telegram_bots",
    "Tenants' bots: registered (read from the registry), running (a window following live events)",
    ["state"])
UPDATES = Counter(
    "switchboard_telegram_updates_total",
    "Telegram updates taken from the durable, by outcome", ["outcome"])
WINDOW_RESTARTS = Counter(
    "switchboard_telegram_window_restarts_total",
    "Bot windows restarted after a failure (each resumes from its stored position)")
REGISTRY_READS = Counter(
    "switchboard_telegram_registry_reads_total",
    "Reads of the bot registry (ListTelegramBotCredentials, every page)", ["outcome"])

UPDATE_OUTCOMES = ("handled", "retry", "dead_letter")


def initialize() -> None:
    """Every series from the start, so rates and alerts see zeros rather than nothing."""
    for state in ("registered", "running"):
        BOTS.labels(state).set(0)
    for outcome in UPDATE_OUTCOMES:
        UPDATES.labels(outcome)
    for outcome in ("ok", "error"):
        REGISTRY_READS.labels(outcome)
    WINDOW_RESTARTS.inc(0)


class RunnerSampler:
    """Turns the runner's per-bot status into the gauges and the restarts counter: a bot's
    restarts count from zero again when it is restarted with a new config."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self._restarts: dict[str, int] = {}

    def sample(self) -> None:
        running, seen = 0, {}
        for bot_id in self.runner.bot_ids:
            status = self.runner.status(bot_id)
            if status is None:
                continue
            running += status.running
            before = self._restarts.get(bot_id, 0)
            WINDOW_RESTARTS.inc(status.restarts - before if status.restarts >= before
                                else status.restarts)
            seen[bot_id] = status.restarts
        self._restarts = seen
        BOTS.labels("running").set(running)
