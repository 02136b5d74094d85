"""Running snippets: their files and options (`snippet`), the schema of what is sent to the fork server and what it
answers (`protocol`), the runner that gives each snippet its result (`runner`), the server and its children
(`server`, `child`), the cache of results (`cache`), and the Python that runs them (`interpreter`)."""
