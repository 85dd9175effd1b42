"""The six integrated systems (110 社会联动, 智慧环保, 数字城管, 城管执法, 安全生产, 信访): a signed inbound
webhook per system with an administrator's field mapping, and status callbacks through a transactional
outbox (docs/decisions/076-integrated-systems.md)."""
