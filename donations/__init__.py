"""Donations: online gifts through Stripe, offline gifts, campaigns, matching pools, monthly
giving, sponsorship pledges and receipts. Every gift reaches the relief fund through
`charity.fund.operations`, exactly once.

Parts, each with its models where it has any: `giving` (gifts, monthly giving, the portal, the
staff's desk and review queue), `stripe` (the client, the webhook and its event handlers),
`campaigns` (campaigns and matching pools), `sponsorship` (pledges paired by the optimiser),
`receipts` (PDF). `donations` depends on `charity`, never the other way round."""
