from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Measures and reports"

    def ready(self) -> None:
        # The engagement summary hears every write (reports.summary).
        from reports.summary import signals

        signals.connect()
