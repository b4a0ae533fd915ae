"""Conversations: message threads between a client and an expert (a buyer and a seller for leads),
tied to a booking, a service checkout or a lead; immutable messages, waiting times, evidence."""
