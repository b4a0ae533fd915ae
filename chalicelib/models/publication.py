"""What experts publish on their profile: articles (text) and documents (an uploaded file).

Both are listed on the expert's profile through ``by-expert`` (newest first), carry their vote
counts, and are soft deleted (``removed_at``). An article's edits keep their history in
``chalicelib.models.question.ContentRevision`` (``article#<id>``). Selling documents is later.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName, StringListAttribute


class ArticlesByExpertIndex(GlobalSecondaryIndex["Article"]):
    class Meta:
        index_name = "by-expert"
        projection = AllProjection()

    expert_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)  # chalicelib.timestamps.sortable_utc + "#" + id


class Article(Model):
    class Meta:
        table_name = StageTableName("articles")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    article_id = UnicodeAttribute(hash_key=True)
    expert_id = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    category = UnicodeAttribute(null=True)
    tags = StringListAttribute(default=list)
    created_at = UTCDateTimeAttribute()
    created_key = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute()
    revision = IntegerAttribute(default=1)
    upvotes = IntegerAttribute(default=0)
    downvotes = IntegerAttribute(default=0)
    removed_at = UTCDateTimeAttribute(null=True)
    removed_by = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_expert = ArticlesByExpertIndex()


class DocumentsByExpertIndex(GlobalSecondaryIndex["ExpertDocument"]):
    class Meta:
        index_name = "by-expert"
        projection = AllProjection()

    expert_id = UnicodeAttribute(hash_key=True)
    created_key = UnicodeAttribute(range_key=True)


class ExpertDocument(Model):
    class Meta:
        table_name = StageTableName("expert-documents")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    document_id = UnicodeAttribute(hash_key=True)
    expert_id = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute(null=True)
    file_key = UnicodeAttribute()  # the uploaded object (chalicelib.uploads)
    file_name = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size_bytes = IntegerAttribute()
    created_at = UTCDateTimeAttribute()
    created_key = UnicodeAttribute()
    upvotes = IntegerAttribute(default=0)
    downvotes = IntegerAttribute(default=0)
    removed_at = UTCDateTimeAttribute(null=True)
    removed_by = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_expert = DocumentsByExpertIndex()
