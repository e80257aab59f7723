SCHEDULE = {
    "outbox-deliver": {"task": "outbox.deliver", "schedule": 60.0},
}
