"""The dedicated relief fund (城市解困专项慈善救助资金): a double-entry ledger in integer fen.

`operations` posts (the contract other packages code against), `queries` reads balances,
`verify` rechecks the journal and its hash chain, `commands` holds `flask ledger` and
`flask fund`.
"""
