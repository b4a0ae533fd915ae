"""Find similar questions as a client types: an inverted index in DynamoDB.

``text`` turns words into index terms (pure), ``scoring`` says how much a term weighs in a question and
in a query (pure), ``index`` writes a question's postings, ``top`` keeps each term's best postings in
one item, and ``query`` reads those.

Why an index in DynamoDB rather than a search service: at Parley's scale there is no extra managed service
to run, patch or pay for by the hour (OpenSearch's smallest domain costs more per month than the whole
table); one query reads two batches of items, at most 17 counts and 8 top lists of 50 postings, however
many questions there are; and the index shares the app's backups, IAM policies and local stack (moto).

When to move to OpenSearch (fed from this table's source, the questions table, by DynamoDB Streams):
when clients need fuzzy matching of misspellings, phrase or synonym search, facets over many fields,
or when the posting lists of common terms are so long that the top 50 by weight no longer hold the
answer a client wants (hundreds of thousands of questions), or when the write volume of re-indexing
answered questions costs more than a small domain.
"""
