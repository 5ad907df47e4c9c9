"""The socket layer every screen shares: who is connected (decided at connect from server-side
state), the role-checking handler decorator, rate limits, presence, room names, coalesced notices
and one snapshot per screen. Features register their screens and events here; it imports none."""
