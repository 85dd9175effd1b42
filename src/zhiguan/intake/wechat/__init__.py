"""The WeChat Official Account (微信公众号) as an intake channel, and WeChat template messages as a
notice adapter (docs/decisions/077)."""
