"""Organisations people train through (a police department, a school district, a hotel), and their leads."""
