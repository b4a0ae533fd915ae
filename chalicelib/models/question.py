"""Free questions and experts' answers (the knowledge base), and the edit history of both.

A ``Question`` is asked by any signed-in person; ``Answer`` items are written by experts, one item
per answer, found by question through the ``by-question`` index and by expert through ``by-expert``
(the expert's statistics and profile). Removing either is a soft delete: ``removed_at`` is set, the
text stays for admins, readers no longer see it. Every edit first copies the text it replaces into
``ContentRevision`` (``item_key`` is ``question#<id>``, ``answer#<id>`` or ``article#<id>``), so the
history is complete and the current item holds the latest text.
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName, StringListAttribute


class QuestionsByAskerIndex(GlobalSecondaryIndex["Question"]):
    class Meta:
        index_name = "by-asker"
        projection = AllProjection()

    asker_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)  # chalicelib.timestamps.sortable_utc + "#" + id


class QuestionsByCategoryIndex(GlobalSecondaryIndex["Question"]):
    """Recent questions of a category (the experts' "questions to answer" list)."""

    class Meta:
        index_name = "by-category"
        projection = AllProjection()

    category = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class Question(Model):
    class Meta:
        table_name = StageTableName("questions")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    question_id = UnicodeAttribute(hash_key=True)
    asker_id = UnicodeAttribute()
    asker_name = UnicodeAttribute(null=True)
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    category = UnicodeAttribute()
    tags = StringListAttribute(default=list)
    created_at = UTCDateTimeAttribute()
    created_key = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    revision = IntegerAttribute(default=1)  # 1 for the text as asked; each edit adds one
    answer_count = IntegerAttribute(default=0)  # answers not removed
    accepted_answer_id = UnicodeAttribute(null=True)
    acceptances = IntegerAttribute(default=0)  # times the asker set the accepted mark (reputation event ids)
    removed_at = UTCDateTimeAttribute(null=True)
    removed_by = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_asker = QuestionsByAskerIndex()
    by_category = QuestionsByCategoryIndex()


class AnswersByQuestionIndex(GlobalSecondaryIndex["Answer"]):
    class Meta:
        index_name = "by-question"
        projection = AllProjection()

    question_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class AnswersByExpertIndex(GlobalSecondaryIndex["Answer"]):
    class Meta:
        index_name = "by-expert"
        projection = AllProjection()

    expert_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class Answer(Model):
    class Meta:
        table_name = StageTableName("answers")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    answer_id = UnicodeAttribute(hash_key=True)
    question_id = UnicodeAttribute()
    expert_id = UnicodeAttribute()
    expert_name = UnicodeAttribute(null=True)
    body = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    created_key = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    revision = IntegerAttribute(default=1)
    accepted = BooleanAttribute(default=False)
    upvotes = IntegerAttribute(default=0)
    downvotes = IntegerAttribute(default=0)
    removed_at = UTCDateTimeAttribute(null=True)
    removed_by = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_question = AnswersByQuestionIndex()
    by_expert = AnswersByExpertIndex()


class ContentRevision(Model):
    """The text an edit replaced: one item per earlier revision of a question, answer or article."""

    class Meta:
        table_name = StageTableName("content-revisions")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    item_key = UnicodeAttribute(hash_key=True)  # "<kind>#<id>"
    revision = IntegerAttribute(range_key=True)
    title = UnicodeAttribute(null=True)
    body = UnicodeAttribute()
    edited_by = UnicodeAttribute()
    written_at = UTCDateTimeAttribute()  # when this revision's text was written (asked, answered or edited)
