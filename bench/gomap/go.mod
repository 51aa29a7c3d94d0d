// SPDX-License-Identifier: MIT
module local

go 1.19
