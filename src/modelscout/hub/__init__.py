"""Everything that talks to the Hugging Face Hub: variants, download jobs, the job queue, the cache."""
