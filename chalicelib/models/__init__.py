"""PynamoDB models, one module per aggregate: persistence only. They never raise HTTP errors and never scan.

The list of them all is ``chalicelib.models.registry.ALL_MODELS``; importing this package loads none.
"""
