"""The Assignment manager (write module ``bulk-assign``): input → review → confirm → apply → results."""
