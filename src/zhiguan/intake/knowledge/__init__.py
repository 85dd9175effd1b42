"""The knowledge base of the intake centre (知识库): answers for consultations, searched as the operator types."""
