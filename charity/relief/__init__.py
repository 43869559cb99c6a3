"""Relief applications under the ten measures: eligibility, four-eyes approval, the case
committee (一事一议), and the reservation, payment or release of fund money."""
