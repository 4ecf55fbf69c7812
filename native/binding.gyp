# Builds native/build/Release/openslide_binding.node: a Node-API (ABI-stable)
# addon over libopenslide. See README.md for why Node-API and how to build on
# Windows / macOS.
{
  'variables': {
    # Windows has no pkg-config: point this at an unpacked OpenSlide Windows
    # build (the folder holding include/ and lib/), e.g. with
    #   node-gyp rebuild -C native -- -Dopenslide_dir=C:/openslide-win64
    'openslide_dir%': '',
    # Windows: an unpacked libjpeg-turbo (include/, lib/jpeg.lib), e.g.
    #   -Djpeg_dir=C:/libjpeg-turbo64
    'jpeg_dir%': '',
  },
  'targets': [
    {
      'target_name': 'openslide_binding',
      'sources': [
        'src/binding.cc',
        'src/slide.cc',
        'src/workers.cc',
        'src/pixels.cc',
        'src/jpeg-tile.cc',
        'src/allocator.cc',
      ],
      'dependencies': [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
      ],
      'defines': [
        # Node-API 8 is in every Node >= 12.22 and every Electron in use.
        'NAPI_VERSION=8',
        'NODE_ADDON_API_DISABLE_DEPRECATED',
      ],
      'cflags_cc': ['-std=c++17', '-O2', '-Wall', '-Wextra'],
      'conditions': [
        ['OS=="win"', {
          'include_dirs': ['<(openslide_dir)/include/openslide', '<(jpeg_dir)/include'],
          'libraries': ['<(openslide_dir)/lib/libopenslide.lib', '<(jpeg_dir)/lib/jpeg.lib'],
          'msvs_settings': {
            'VCCLCompilerTool': { 'AdditionalOptions': ['/std:c++17'] },
          },
        }, {
          # libjpeg-turbo: the JPEG tile encoder (OpenSlide links the same
          # library for decoding). Without a libjpeg.pc, plain -ljpeg.
          'include_dirs': [
            '<!@(pkg-config --cflags-only-I openslide | sed s/-I//g)',
            '<!@((pkg-config --cflags-only-I libjpeg 2>/dev/null || true) | sed s/-I//g)',
          ],
          'libraries': [
            '<!@(pkg-config --libs openslide)',
            '<!@(pkg-config --libs libjpeg 2>/dev/null || echo -ljpeg)',
          ],
        }],
        ['OS=="mac"', {
          'xcode_settings': {
            'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
            'MACOSX_DEPLOYMENT_TARGET': '11.0',
          },
        }],
      ],
    },
  ],
}
