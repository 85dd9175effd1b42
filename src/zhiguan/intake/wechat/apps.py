from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WechatConfig(AppConfig):
    name = "zhiguan.intake.wechat"
    label = "wechat"
    verbose_name = _("WeChat Official Account")

    def ready(self) -> None:
        from zhiguan.cases.events import case_changed
        from zhiguan.intake.wechat import notices
        from zhiguan.notifications import citizen

        # Cases reported by WeChat are answered by WeChat: the route and the template-message adapter.
        citizen.register_adapter(notices.WechatTemplateAdapter())
        citizen.register_route(notices.wechat_route)
        # Receipt, progress and the answer to a consultation, after each change commits.
        case_changed.connect(notices.on_case_changed, dispatch_uid="wechat.notices.progress")
