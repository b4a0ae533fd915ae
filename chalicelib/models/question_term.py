"""The similar-questions index: postings, per-term counts and one record per question, in one table.

Three kinds of item share the key (``term``, ``rank_key``):

* a posting: ``term`` = ``<scope>|<stem>`` (scope ``all`` or ``category:<category>``), ``rank_key`` =
  ``<inverse weight, 6 digits>#<question id>``, so a Query of one term reads the heaviest questions first;
  it carries what a suggestion shows (title, answered, answer count);
* a count: ``term`` = ``all|<stem>``, ``rank_key`` = ``!count`` (``!`` sorts before every digit, so it never
  comes up in a posting Query starting at ``0``), ``df`` = how many questions have the stem; and
  ``all|!questions`` / ``!count`` with the number of indexed questions;
* a term's top list: ``term`` = ``<scope>|<stem>``, ``rank_key`` = ``!top``, ``top`` = its best postings
  (JSON, see ``chalicelib.questions.similar.top``), ``top_version`` moved by each write of the list;
* a question's record: ``term`` = ``doc|<question id>``, ``rank_key`` = ``terms``: the postings it wrote,
  the ones still to delete, and a version that makes count updates conditional (no double counts).
"""

from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName, StringListAttribute

COUNT_KEY = "!count"
TOP_KEY = "!top"
RECORD_KEY = "terms"
QUESTIONS_TERM = "all|!questions"


class QuestionTerm(Model):
    class Meta:
        table_name = StageTableName("question-terms")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    term = UnicodeAttribute(hash_key=True)
    rank_key = UnicodeAttribute(range_key=True)
    # postings
    question_id = UnicodeAttribute(null=True)
    weight = IntegerAttribute(null=True)
    title = UnicodeAttribute(null=True)
    answered = BooleanAttribute(null=True)
    answer_count = IntegerAttribute(null=True)
    # counts
    df = IntegerAttribute(null=True)
    # top lists
    top = UnicodeAttribute(null=True)
    top_version = IntegerAttribute(null=True)
    # a question's record: "<inverse weight>#<term>" of each posting written, and of each still to delete
    postings = StringListAttribute(null=True)
    stale = StringListAttribute(null=True)
    category = UnicodeAttribute(null=True)
    listed = BooleanAttribute(null=True)
    version = IntegerAttribute(null=True)  # of a record; on a posting, the record's version that wrote it
