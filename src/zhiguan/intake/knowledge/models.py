"""Knowledge articles, their uses at intake, and canned replies.

An article answers one question the public asks (社保卡补办要带什么?). It belongs to a category
and the department whose rule it states, is valid between two dates (a policy changes), and is due
for review on a date. `search_text` is the jieba-segmented text the full-text index reads (a GIN
expression index on PostgreSQL, an FTS5 table on SQLite, both created by the migration and kept
in step by `services`). Every edit is kept (`history`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhiguan.tenancy.models import TenantModel


class Article(TenantModel):
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))
    tags = models.JSONField(_("tags"), default=list, blank=True)
    category = models.ForeignKey(
        "taxonomy.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    # Words of question, tags and answer, space-separated (jieba, search mode): what the index reads.
    search_text = models.TextField(blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey("org.User", null=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["jurisdiction", "valid_to"], name="knowledge_valid_idx")]

    def __str__(self) -> str:
        return self.question


class ArticleUse(TenantModel):
    """A consultation answered at intake with this article (one per case)."""

    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="uses")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    used_by = models.ForeignKey("org.User", null=True, on_delete=models.SET_NULL, related_name="+")
    used_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("article use")
        verbose_name_plural = _("article uses")


class CannedReply(TenantModel):
    """A ready sentence for a category and a case status (e.g. "已转交城管局处理…" when dispatched)."""

    category = models.ForeignKey(
        "taxonomy.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    case_status = models.CharField(_("case status"), max_length=24, blank=True)
    title = models.CharField(_("title"), max_length=60)
    text = models.TextField(_("text"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["sort_order", "id"]
