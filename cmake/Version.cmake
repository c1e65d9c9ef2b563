# The version header carries the git commit; it is regenerated at every build so a binary
# never reports a stale commit.
add_custom_target(backlogmc_version
  COMMAND ${CMAKE_COMMAND} -DSRC=${CMAKE_SOURCE_DIR} -DOUT=${CMAKE_BINARY_DIR}/generated/backlogmc_version.h
          -DVERSION=${PROJECT_VERSION} -P ${CMAKE_SOURCE_DIR}/cmake/WriteVersion.cmake
  BYPRODUCTS ${CMAKE_BINARY_DIR}/generated/backlogmc_version.h
  COMMENT "Writing version header")
