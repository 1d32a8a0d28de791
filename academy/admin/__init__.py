"""The admin console: people, roles, communities and bulk import, over the services of accounts/."""
