"""The Flowable 7 adapter: the REST API of Flowable's process engine (/process-api)."""
