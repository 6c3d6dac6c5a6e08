"""The profile's «🕐 Часовой пояс»: choose a city or type a UTC offset."""
