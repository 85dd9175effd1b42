from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideoConfig(AppConfig):
    name = "zhiguan.video"
    verbose_name = _("Video database")

    def ready(self) -> None:
        from zhiguan.video import registry  # noqa: F401  (registers the `cameras` and `video-devices` specs)
