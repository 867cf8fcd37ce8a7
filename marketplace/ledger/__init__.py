"""The ledger: every money movement is one balanced, append-only entry.

Accounts are kept per currency and per owner (a seller, a creator, or the platform).
Postings are signed minor units, debits positive and credits negative; every entry's
postings sum to zero in each currency. An account's stored balance is a cache of the sum
of its postings, updated in the entry's transaction; ``ledger_check`` proves it.
"""
