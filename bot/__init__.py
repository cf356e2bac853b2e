"""THADS Quảng Ngãi citizen bot."""
