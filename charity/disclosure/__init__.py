"""What the fund publishes: the public disclosure page and the annual report."""
