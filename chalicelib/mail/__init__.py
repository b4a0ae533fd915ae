"""Email Parley sends (through SES): receipts, calendar invites, reminders."""
