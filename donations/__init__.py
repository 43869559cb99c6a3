"""Donations: online gifts through Stripe, offline gifts, campaigns, matching pools, monthly
giving, sponsorship pledges and receipts. Every gift reaches the relief fund through
`charity.fund.operations`, exactly once."""
