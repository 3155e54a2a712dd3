# Installs the SMART client library as a CMake package, so another project can do
#   find_package(EmberClient REQUIRED)
#   target_link_libraries(app PRIVATE Ember::client)
# Installed: the public headers (include/ember/client/*.h), libember_client.a and the internal
# static libraries it links (core, json, jose, http: static libraries carry no dependencies of
# their own, so the consumer's link line needs them), the export set and EmberClientConfig.cmake,
# which finds the third-party dependencies again. The internal headers under src/ are not
# installed: their include path is a BUILD_INTERFACE only (see ember_module in CMakeLists.txt).
#
# Components: `client` (library, headers, package files) and `client_cli` (the ember-client
# program), e.g. `cmake --install build --prefix /opt/ember --component client`.
#
# Included from CMakeLists.txt AFTER `include(cmake/client_cli.cmake)`.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(EMBER_CLIENT_LIBS ember_client ember_core ember_json ember_jose ember_http)
set(EMBER_CLIENT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/EmberClient)

# Consumers compile the public headers, which use std::expected.
target_compile_features(ember_client INTERFACE cxx_std_23)
# Ember::client rather than Ember::ember_client; the internal libraries keep their names
# (Ember::ember_core …) and are not meant to be linked directly.
set_target_properties(ember_client PROPERTIES EXPORT_NAME client)

install(TARGETS ${EMBER_CLIENT_LIBS}
        EXPORT EmberClientTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT client
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/ember/client
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/ember
        COMPONENT client
        FILES_MATCHING PATTERN "*.h")
install(EXPORT EmberClientTargets
        NAMESPACE Ember::
        DESTINATION ${EMBER_CLIENT_CMAKE_DIR}
        COMPONENT client)

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/EmberClientConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/EmberClientConfig.cmake
  INSTALL_DESTINATION ${EMBER_CLIENT_CMAKE_DIR})
# The library has no stable ABI yet: only the same minor version is compatible.
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/EmberClientConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/EmberClientConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/EmberClientConfigVersion.cmake
        DESTINATION ${EMBER_CLIENT_CMAKE_DIR}
        COMPONENT client)

if(TARGET ember-client)
  install(TARGETS ember-client RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT client_cli)
endif()
