"""The department data-sharing API (`/api/v1/`): scoped bearer tokens, status changes and
casework in, summaries out, errors as RFC 9457 problem details."""
