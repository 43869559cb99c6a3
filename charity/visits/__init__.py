"""Festival visit campaigns, visit logs and random spot checks (随机暗访)."""
