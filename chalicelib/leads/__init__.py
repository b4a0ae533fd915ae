"""The leads marketplace: buyers post leads, sellers bid, a contract holds the funds until the work is accepted."""
