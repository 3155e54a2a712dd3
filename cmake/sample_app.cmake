# The sample SMART app served at /apps/sample/ (module `sampleapp`): its web files and the
# official fhirclient.js browser build (npm `fhirclient`, pinned in package.json) are compiled into
# the binary by tools/embed-files.mjs, as ${EMBER_GEN_DIR}/sample_app/assets.inc.
#
# Included from CMakeLists.txt AFTER `ember_module(sampleapp ...)` (it attaches the generation
# step to the targets that module created).

set(EMBER_SAMPLE_APP_DIR ${CMAKE_CURRENT_SOURCE_DIR}/web/sample-app)
set(EMBER_FHIRCLIENT_DIR ${CMAKE_CURRENT_SOURCE_DIR}/node_modules/fhirclient)
if(NOT EXISTS ${EMBER_FHIRCLIENT_DIR}/build/fhir-client.min.js)
  message(FATAL_ERROR "node_modules/fhirclient is missing: run `npm ci` in the repository root")
endif()

# served name=source file, in the order the table lists them.
set(EMBER_SAMPLE_APP_FILES
    index.html=${EMBER_SAMPLE_APP_DIR}/index.html
    launch.html=${EMBER_SAMPLE_APP_DIR}/launch.html
    app.js=${EMBER_SAMPLE_APP_DIR}/app.js
    launch.js=${EMBER_SAMPLE_APP_DIR}/launch.js
    app.css=${EMBER_SAMPLE_APP_DIR}/app.css
    fhir-client.js=${EMBER_FHIRCLIENT_DIR}/build/fhir-client.min.js
    # fhirclient's own license (Apache-2.0), and the notices of what its bundle contains, under
    # the name the bundle's first-line comment points to.
    fhir-client.js.LICENSE.txt=${EMBER_FHIRCLIENT_DIR}/LICENSE
    fhir-client.min.js.LICENSE.txt=${EMBER_FHIRCLIENT_DIR}/build/fhir-client.min.js.LICENSE.txt)
set(EMBER_SAMPLE_APP_SOURCES ${EMBER_FHIRCLIENT_DIR}/package.json)
foreach(spec IN LISTS EMBER_SAMPLE_APP_FILES)
  string(REGEX REPLACE "^[^=]*=" "" file "${spec}")
  list(APPEND EMBER_SAMPLE_APP_SOURCES ${file})
endforeach()

add_custom_command(
  OUTPUT ${EMBER_GEN_DIR}/sample_app/generated.stamp
  BYPRODUCTS ${EMBER_GEN_DIR}/sample_app/assets.inc
  COMMAND node ${CMAKE_CURRENT_SOURCE_DIR}/tools/embed-files.mjs
          ${EMBER_GEN_DIR}/sample_app/assets.inc ${EMBER_SAMPLE_APP_FILES}
  COMMAND ${CMAKE_COMMAND} -E touch ${EMBER_GEN_DIR}/sample_app/generated.stamp
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/tools/embed-files.mjs ${EMBER_SAMPLE_APP_SOURCES}
  WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
  COMMENT "Embedding the sample SMART app (web/sample-app, fhirclient.js)")
add_custom_target(ember_sample_app_assets
                  DEPENDS ${EMBER_GEN_DIR}/sample_app/generated.stamp)
add_dependencies(ember_sampleapp ember_sample_app_assets)

if(TARGET ember_sampleapp_tests)
  # The tests compare the embedded bytes with the files on disk, and exercise the client
  # registration against the real SQLite auth store.
  target_compile_definitions(ember_sampleapp_tests PRIVATE
                             EMBER_SOURCE_DIR="${CMAKE_CURRENT_SOURCE_DIR}")
  target_link_libraries(ember_sampleapp_tests PRIVATE ember_store)
endif()
