"""Onboarding: the first conversation, profiles, /help and the basics, identities,
invitations and the coordinator's home."""
