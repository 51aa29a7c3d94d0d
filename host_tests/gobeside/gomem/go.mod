// SPDX-License-Identifier: MIT
module tidemark/gobeside/gomem

go 1.19
