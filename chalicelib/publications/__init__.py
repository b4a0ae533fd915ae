"""What experts publish on their profile: articles and documents, each worth reputation once."""
