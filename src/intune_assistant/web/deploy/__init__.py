"""Deploy (write module ``deploy-baseline``) and Restore (``restore``): source → plan review → apply → results."""
