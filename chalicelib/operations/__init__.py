"""What an operator watches: the custom metrics the template's alarms and dashboard read."""
