"""The Customers page, customer onboarding, the switch into a customer, and the JSON list."""
