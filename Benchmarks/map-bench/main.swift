print("map-bench: placeholder")
