"""The public pages. Every view here is public by design (no login): guides, search, forms,
wizard, receipt, tracking by secret token and the survey. Write access is through one-time
random tokens or the visitor's own session, never through a reference number."""
