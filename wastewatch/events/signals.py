from django.dispatch import Signal

# Sent after the transaction that raised or merged an alert has committed: alert, merged (bool), occurrence.
alert_raised = Signal()
